// Worker entry: Node 20 cannot load a .ts worker directly, so register tsx here and then load it.
import { register } from "tsx/esm/api";

register();
await import("./fake-server-worker.ts");
