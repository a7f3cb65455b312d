// The caller's Supabase access token, verified here with WebCrypto (no library): HS256 with
// the project's JWT secret, or ES256/RS256 with a key of the project's JWKS (projects on
// asymmetric signing keys). The gateway acts as that user in the database, so RLS decides
// which agents and budgets are theirs.

export interface Caller {
  userId: string;
  /** The whole JWT payload, as PostgREST puts it into request.jwt.claims. */
  claims: Record<string, unknown>;
}

export class Unauthorized extends Error {}

function base64url(text: string): Uint8Array<ArrayBuffer> {
  const padded = text.replace(/-/g, "+").replace(/_/g, "/") +
    "===".slice((text.length + 3) % 4);
  const binary = atob(padded);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The bearer token of a request: `Authorization: Bearer` (OpenAI SDKs, supabase-js, the
 * Anthropic SDK's auth_token) or `x-api-key` (the Anthropic SDK's api_key). */
export function bearer(headers: Headers): string | null {
  const authorization = headers.get("authorization");
  const match = authorization?.match(/^Bearer\s+(\S+)\s*$/i);
  if (match) return match[1];
  return headers.get("x-api-key")?.trim() || null;
}

/** The keys tokens may be signed with. */
export interface Keys {
  /** HS256: the project's JWT secret. */
  secret: CryptoKey | null;
  /** ES256 and RS256: the project's public keys, with their kid and algorithm. */
  public: { kid: string | null; alg: "ES256" | "RS256"; key: CryptoKey }[];
}

const ALGORITHMS = {
  ES256: {
    import: { name: "ECDSA", namedCurve: "P-256" },
    verify: { name: "ECDSA", hash: "SHA-256" },
  },
  RS256: {
    import: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
    verify: { name: "RSASSA-PKCS1-v1_5" },
  },
} as const;

/** The keys from the JWT secret and/or a JWKS document (SUPABASE_JWKS: {"keys": [...]});
 * keys of other kinds in the set are skipped. */
export async function keysFor(
  secret: string | null,
  jwks: string | null,
): Promise<Keys> {
  const keys: Keys = { secret: null, public: [] };
  if (secret) {
    keys.secret = await crypto.subtle.importKey(
      "raw",
      new TextEncoder().encode(secret),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["verify"],
    );
  }
  if (jwks) {
    const set = JSON.parse(jwks) as { keys?: JsonWebKey[] };
    for (const jwk of set.keys ?? []) {
      const alg = jwk.kty === "EC" && jwk.crv === "P-256"
        ? "ES256"
        : jwk.kty === "RSA"
        ? "RS256"
        : null;
      if (!alg) continue;
      const { alg: _alg, key_ops: _ops, ...bare } = jwk;
      const key = await crypto.subtle.importKey(
        "jwk",
        bare,
        ALGORITHMS[alg].import,
        false,
        ["verify"],
      );
      const kid = (jwk as { kid?: string }).kid ?? null;
      keys.public.push({ kid, alg, key });
    }
  }
  return keys;
}

async function signatureValid(
  keys: Keys,
  header: Record<string, unknown>,
  signature: Uint8Array<ArrayBuffer>,
  signed: Uint8Array<ArrayBuffer>,
): Promise<boolean> {
  if (header.alg === "HS256") {
    if (!keys.secret) {
      throw new Unauthorized(
        "the access token must be signed with the project's signing key",
      );
    }
    return await crypto.subtle.verify("HMAC", keys.secret, signature, signed);
  }
  if (header.alg === "ES256" || header.alg === "RS256") {
    const candidates = keys.public.filter((k) =>
      k.alg === header.alg && (header.kid === undefined || k.kid === header.kid)
    );
    if (candidates.length === 0) {
      throw new Unauthorized(
        "the access token is signed with a key this project does not have",
      );
    }
    for (const { key } of candidates) {
      if (
        await crypto.subtle.verify(
          ALGORITHMS[header.alg].verify,
          key,
          signature,
          signed,
        )
      ) {
        return true;
      }
    }
    return false;
  }
  throw new Unauthorized(
    "the access token must be signed with HS256, ES256 or RS256",
  );
}

/** A signed-in (non-anonymous or anonymous) user's claims, or Unauthorized naming why. */
export async function verify(
  token: string | null,
  keys: Keys,
  now = Date.now() / 1000,
): Promise<Caller> {
  if (!token) {
    throw new Unauthorized(
      "sign in: send the user's Supabase access token as a bearer token",
    );
  }
  const parts = token.split(".");
  if (parts.length !== 3) {
    throw new Unauthorized("the access token is not a JWT");
  }
  let header: Record<string, unknown>;
  let claims: Record<string, unknown>;
  let signature: Uint8Array<ArrayBuffer>;
  try {
    header = JSON.parse(new TextDecoder().decode(base64url(parts[0])));
    claims = JSON.parse(new TextDecoder().decode(base64url(parts[1])));
    signature = base64url(parts[2]);
  } catch {
    throw new Unauthorized("the access token is not a JWT");
  }
  const valid = await signatureValid(
    keys,
    header,
    signature,
    new TextEncoder().encode(`${parts[0]}.${parts[1]}`),
  );
  if (!valid) {
    throw new Unauthorized("the access token's signature is not valid");
  }
  if (typeof claims.exp !== "number" || claims.exp <= now) {
    throw new Unauthorized("the access token has expired");
  }
  if (claims.role !== "authenticated" || typeof claims.sub !== "string") {
    throw new Unauthorized(
      "the access token must be a signed-in user's (role authenticated)",
    );
  }
  return { userId: claims.sub, claims };
}
