/**
 * Other software as estimation methods: adapter programs that fit each
 * replicate beside vcsim's own methods, over JSON lines (see
 * adapter_protocol.ts for the protocol, external_method.ts for the process
 * model).
 *
 * @module
 */
export { externalMethod, type ExternalMethodOptions, stopAdapters } from "./external_method.ts";
export {
  type AdapterRequest,
  adapterRequest,
  PROTOCOL_VERSION,
  type RequestColumn,
  type RequestFactor,
  type RequestOptions,
} from "./adapter_protocol.ts";
export * from "./shipped_adapters.ts";
