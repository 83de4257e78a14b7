const MAX_SECRET_LENGTH = 4096;
const MAX_PEM_LENGTH = 16384;

/**
 * Shannon entropy of a string in bits per character: about 4 for random hex, about 5.7
 * for random base64, under 3 for words and repetitive ids.
 *
 * @example
 * shannonEntropy('aaaa'); // 0
 * shannonEntropy('abcd'); // 2
 */
export function shannonEntropy(value: string): number {
  if (value.length === 0) return 0;
  const counts = new Map<number, number>();
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    counts.set(code, (counts.get(code) ?? 0) + 1);
  }
  let entropy = 0;
  for (const count of counts.values()) {
    const p = count / value.length;
    entropy -= p * Math.log2(p);
  }
  return entropy;
}

// Key formats whose prefix names the issuer; each is specific enough to stand alone.
const KNOWN_KEY =
  /^(?:(?:sk|pk|rk)_(?:live|test)_[0-9A-Za-z]{16,}|(?:AKIA|ASIA)[0-9A-Z]{16}|AIza[0-9A-Za-z_-]{35}|gh[pousr]_[0-9A-Za-z]{36,255}|github_pat_[0-9A-Za-z_]{40,255}|glpat-[0-9A-Za-z_-]{20,}|xox[abposr]-[0-9A-Za-z-]{10,}|sk-(?:proj-)?[0-9A-Za-z_-]{20,}|SG\.[0-9A-Za-z_-]{16,}\.[0-9A-Za-z_-]{16,}|npm_[0-9A-Za-z]{36}|pypi-[0-9A-Za-z_-]{50,}|shpat_[0-9a-fA-F]{32}|key-[0-9a-f]{32}|hf_[0-9A-Za-z]{30,})$/;
const TOKEN_CHARS = /^[0-9A-Za-z_\-+/=.~]+$/;

/**
 * A long random-looking secret: 20 to 512 token characters, letters and digits mixed, and
 * at least 3.5 bits of entropy per character. UUIDs and words joined by dashes fall short.
 *
 * @example
 * isHighEntropySecret('q7Zt9LmXv2Rk8WcP4sYb6NfH'); // true
 */
export function isHighEntropySecret(value: string): boolean {
  if (value.length < 20 || value.length > 512 || !TOKEN_CHARS.test(value)) return false;
  if (!/[0-9]/.test(value) || !/[A-Za-z]/.test(value)) return false;
  return shannonEntropy(value) >= 3.5;
}

/**
 * An API key: a known provider format (Stripe `sk_live_`, AWS `AKIA…`, Google `AIza…`,
 * GitHub `ghp_`, Slack `xoxb-`, OpenAI `sk-`, SendGrid, npm, GitLab…) or a long
 * high-entropy token.
 *
 * @example
 * isApiKey('AKIAIOSFODNN7EXAMPLE'); // true
 */
export function isApiKey(value: string): boolean {
  if (value.length < 20 || value.length > MAX_SECRET_LENGTH) return false;
  return KNOWN_KEY.test(value) || isHighEntropySecret(value);
}

const JWT = /^eyJ[0-9A-Za-z_-]{5,}\.eyJ[0-9A-Za-z_-]{5,}\.[0-9A-Za-z_-]{0,1024}$/;
const OAUTH_TOKEN = /^(?:ya29\.[0-9A-Za-z_-]{20,}|gho_[0-9A-Za-z]{36}|EAA[0-9A-Za-z]{50,})$/;

/**
 * An access token: a JSON Web Token (three base64url parts, header and claims being JSON
 * objects), a known OAuth token format (Google `ya29.`, GitHub `gho_`, Facebook `EAA…`),
 * a `Bearer …` header value, or a long high-entropy token.
 *
 * @example
 * isAccessToken('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig'); // true
 */
export function isAccessToken(value: string): boolean {
  if (value.length < 20 || value.length > MAX_SECRET_LENGTH) return false;
  const token = value.startsWith('Bearer ') ? value.slice(7) : value;
  return JWT.test(token) || OAUTH_TOKEN.test(token) || isHighEntropySecret(token);
}

const HASH_PATTERNS = [
  /^\$2[abxy]?\$\d{2}\$[./A-Za-z0-9]{53}$/,
  /^\$argon2(?:id|i|d)\$(?:v=\d+\$)?m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/,
  /^\$[156]\$(?:rounds=\d+\$)?[./A-Za-z0-9]{1,16}\$[./A-Za-z0-9]{22,86}$/,
  /^\$(?:pbkdf2(?:-sha\d+)?|scrypt|7|y|gy|sha1)\$[^\s$]*(?:\$[^\s$]+){1,5}$/,
  /^(?:pbkdf2_sha\d+|pbkdf2_sha1|argon2|bcrypt_sha256|bcrypt|scrypt|sha1|md5)\$[^\s]+$/,
  /^\{(?:SSHA|SHA|SSHA256|SSHA512|MD5|SMD5|CRYPT|PBKDF2[-\w]*)\}[A-Za-z0-9+/=.$]+$/,
  /^(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64}|[0-9a-f]{128})$/i,
];

/**
 * A stored password hash: bcrypt (`$2b$…`), argon2 (`$argon2id$…`), crypt MD5/SHA-256/
 * SHA-512 (`$1$`, `$5$`, `$6$`), scrypt, yescrypt, PBKDF2 in Django or passlib form, LDAP
 * `{SSHA}`, or a bare hex digest of MD5, SHA-1, SHA-256 or SHA-512 length.
 *
 * @example
 * isPasswordHash('5f4dcc3b5aa765d61d8327deb882cf99'); // true (MD5)
 */
export function isPasswordHash(value: string): boolean {
  if (value.length < 32 || value.length > 1024) return false;
  return HASH_PATTERNS.some((pattern) => pattern.test(value));
}

/**
 * A private key: a PEM block (`-----BEGIN … PRIVATE KEY-----`, including OpenSSH and PGP
 * private key blocks) or a PuTTY key file.
 *
 * @example
 * isPrivateKey('-----BEGIN RSA PRIVATE KEY-----\nMIIE…'); // true
 */
export function isPrivateKey(value: string): boolean {
  if (value.length < 30 || value.length > MAX_PEM_LENGTH) return false;
  if (value.startsWith('PuTTY-User-Key-File-')) return true;
  const begin = value.indexOf('-----BEGIN ');
  if (begin < 0 || begin > 64) return false;
  const end = value.indexOf('-----', begin + 11);
  return end > 0 && /PRIVATE KEY(?: BLOCK)?$/.test(value.slice(begin + 11, end));
}
