// The cookie-jar client of the tests lives with the benchmark (bench/lib/client.ts), which may not
// import from test/; the tests use it from there.
export { TestClient, type RequestOptions, type TestResponse } from '../../bench/lib/client.js';
