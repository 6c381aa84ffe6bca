// The client: `createApi({ baseUrl })`, then a method per operation of the service.
export * from "./runtime.js";
export * from "./api.js";
