// Recharts, imported from its ES module build. AdminJS's component bundler (rollup) resolves a
// package's CommonJS `main` before its `module`; recharts' CommonJS build (with lodash and the d3
// modules of victory-vendor) then goes through rollup's commonjs plugin, which made the first
// request for components.bundle.js take 22 s instead of 8 s and the bundle 6.6 MB instead of
// 4.4 MB. The types are recharts' own (recharts-es6.d.ts).
export { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts/es6/index.js';
