// recharts ships one set of declarations (types/index.d.ts) for both of its builds.
declare module 'recharts/es6/index.js' {
  export * from 'recharts';
}
