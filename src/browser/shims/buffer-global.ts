/** Injected by the browser build wherever the core refers to the global `Buffer` (feross/buffer). */
export { Buffer } from 'buffer';
