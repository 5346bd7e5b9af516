// npm run bench: every benchmark, each figure beside a reference measured in the same run.
import { benchCache } from "./cache.js";
import { benchEvents } from "./events.js";
import { benchGeneratorGrowth } from "./generator-growth.js";
import { benchImport } from "./import.js";
import { benchOpenApiGrowth } from "./openapi-growth.js";
import { benchPagination } from "./pagination.js";
import { benchRedis } from "./redis.js";
import { benchSchematic } from "./schematic.js";
import { benchSync } from "./sync.js";
import { benchTransport } from "./transport.js";

console.log(`node ${process.version}, ${process.platform} ${process.arch}`);
const met = [await benchImport(), await benchTransport(), await benchCache(), await benchRedis(), await benchPagination(), await benchEvents(), await benchSync(), await benchGeneratorGrowth(), await benchOpenApiGrowth(), await benchSchematic()];
console.log(met.every(Boolean) ? "\nall targets met" : "\nsome targets MISSED");
