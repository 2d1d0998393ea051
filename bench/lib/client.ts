// The cookie-jar client used by the benchmark and the reliability suite is the test client.
export { TestClient as ApiClient, type TestResponse as ApiResponse } from '../../test/support/client.js';
