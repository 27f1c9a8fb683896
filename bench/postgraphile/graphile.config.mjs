// PostGraphile 5 serving the Model Architect tables (schema public) read-only, for the side-by-side
// benchmark. Environment: DATABASE_URL (required), PORT (default 5678), PG_POOL_MAX (default 20, the
// architect server's DB_MAX_OPEN_CONNS default on PostgreSQL), PG_AUTH=arg|jwt (default arg; see README.md).
import { makePgService } from "postgraphile/adaptors/pg";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { PgLazyJWTPreset } from "postgraphile/presets/lazy-jwt";

const jwt = (process.env.PG_AUTH ?? "arg") === "jwt";
if (!process.env.DATABASE_URL) {
  throw new Error("DATABASE_URL is not set: point it at the seeded database");
}
if (jwt && !process.env.JWT_SECRET) {
  throw new Error("PG_AUTH=jwt needs JWT_SECRET, the architect server's secret");
}

/** @type {GraphileConfig.Preset} */
const preset = {
  extends: [PostGraphileAmberPreset, ...(jwt ? [PgLazyJWTPreset] : [])],
  // Read-only: the benchmark compares queries; the architect server owns every write.
  disablePlugins: ["MutationPayloadQueryPlugin", "PgMutationCreatePlugin", "PgMutationUpdateDeletePlugin"],
  pgServices: [
    makePgService({
      connectionString: process.env.DATABASE_URL,
      schemas: ["public"],
      poolConfig: { max: Number(process.env.PG_POOL_MAX ?? 20) },
    }),
  ],
  grafserv: {
    host: "127.0.0.1",
    port: Number(process.env.PORT ?? 5678),
    graphiql: false,
    watch: false,
    ...(jwt
      ? {
          pgJwtSecret: process.env.JWT_SECRET,
          pgJwtVerifyOptions: {
            algorithms: ["HS256"],
            issuer: process.env.JWT_ISSUER ?? "model-architect",
            audience: process.env.JWT_AUDIENCE ?? "model-architect-api",
          },
        }
      : {}),
  },
  grafast: { explain: false },
};

export default preset;
