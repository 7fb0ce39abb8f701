// Help texts. Every command's help has examples; the exit codes are in the overview.

export const OVERVIEW = `xsiam-keys: mint, list, rotate and revoke Cortex XSIAM API keys

Usage: xsiam-keys <command> [options]

Commands:
  check                     authenticate, and show the key's id, level, roles and expiry
  list                      list keys (a table on a terminal, JSON otherwise)
  generate --role R ...     create a key and hand it over (to a file of mode 600, or a pipe)
  delete ID ...             delete keys, after showing them and asking
  rotate ID                 replace a key: new key, hand-over, check, then delete the old one

Credentials (never from a flag, which would show in ps and shell history):
  XSIAM_BASE_URL or XSIAM_FQDN, XSIAM_API_KEY, XSIAM_API_KEY_ID, and optionally
  XSIAM_SECURITY_LEVEL (advanced or standard) and XSIAM_CHILD_TENANT_ID, from:
  the environment; --env-file FILE (dotenv lines, which override it); the key alone from
  standard input with --api-key-stdin.

Options for every command:
  --env-file FILE           read XSIAM_* settings from FILE
  --api-key-stdin           read the key from standard input
  --json                    output JSON (the default when stdout is not a terminal)
  -q, --quiet               no progress or notes on stderr (errors still are)
  -h, --help                help; xsiam-keys <command> --help for a command's
  -V, --version             the version

Output: results on stdout; progress, notes and errors on stderr. Colours on a terminal, unless
NO_COLOR is set.

Exit codes:
  0  success
  1  usage error, invalid input, or a refusal (nothing was sent, or nothing was changed)
  2  authentication or permission (the service answered 401 or 403)
  3  any other failure of the service or the network
  4  a rotation left in a state that needs attention (the message says what to do)

Examples:
  xsiam-keys --env-file admin.env check
  xsiam-keys list --role Viewer --expiring-within 14d
  xsiam-keys generate --role Viewer --expires 30d --comment "nightly export" --out export.env
  xsiam-keys rotate 5012 --format raw --quiet | vault kv put secret/xsiam/export key=-
`;

export const COMMANDS: Readonly<Record<string, string>> = {
  check: `Usage: xsiam-keys check [--json]

Authenticates with a signed get_api_keys call for the key's own id, and shows the key's id,
level, roles, comment and expiry. A key that may not list keys still authenticates (HTTP 403):
then its details are not shown. On a 401 it compares the service's clock (its Date header) with
this machine's, and says "your clock is off by 7 minutes" when that is the cause.

Examples:
  xsiam-keys check
  xsiam-keys --env-file export.env check --json
`,
  list: `Usage: xsiam-keys list [--id N]... [--role R]... [--expiring-within DURATION] [--json]

Lists the keys that match every filter given (all keys without one), expired ones included. On
a terminal: a table with id, level, roles, comment, created, expires and "expires in"; with
--json, or when stdout is not a terminal, a JSON array of keys (id, roles, securityLevel,
comment, createdAt, expiresAt, createdBy, userName).

Options:
  --id N                    keys with this id (repeat for several)
  --role R                  keys that have this role (repeat: keys that have all of them)
  --expiring-within D       keys that expire between now and D from now: 7d, 12h, 90m, 2w

Examples:
  xsiam-keys list
  xsiam-keys list --role Viewer --role Responder
  xsiam-keys list --expiring-within 7d --json | jq '.[].id'
`,
  generate: `Usage: xsiam-keys generate --role R [--role R]... [--level advanced|standard]
                          [--expires 30d|ISO-DATE] [--comment TEXT]
                          [--out FILE [--force]] [--format env|json|raw] [--reveal]

Creates a key and hands it over. With --out, to a new file of mode 600 (an existing file is
replaced only with --force). Without --out, to standard output, but only when that is a pipe or
a file, or with --reveal: a key shown on a terminal stays on screen and in scrollback. The key
never goes to stderr, logs or error messages.

Formats: env (the default) writes XSIAM_BASE_URL, XSIAM_API_KEY_ID, XSIAM_API_KEY and
XSIAM_SECURITY_LEVEL lines, usable as --env-file and as the environment of
createXsiamClientFromEnv; json writes one object; raw writes the key alone.

Options:
  --role R                  a role of the new key, as named in the console (repeat for several)
  --level L                 advanced (default: every request is signed) or standard
  --expires E               a duration (30d, 12h, 2w) or an ISO date; default: one week
  --comment TEXT            a note stored with the key
  --out FILE                write the key to FILE (mode 600)
  --force                   with --out: replace FILE if it exists
  --format F                env (default), json or raw
  --reveal                  print the key even on a terminal

Examples:
  xsiam-keys generate --role Viewer --out viewer.env
  xsiam-keys generate --role "Instance Administrator" --expires 2026-12-31 --format json > key.json
  xsiam-keys generate --role Viewer --format raw | gh secret set XSIAM_API_KEY
`,
  delete: `Usage: xsiam-keys delete ID... [--yes] [--dry-run]

Shows the keys that would be deleted (read with list), and asks on a terminal. Without a terminal
it refuses unless --yes is given. It never deletes the key it authenticates with.

Options:
  --yes                     delete without asking
  --dry-run                 show what would be deleted, and delete nothing

Examples:
  xsiam-keys delete 5012
  xsiam-keys delete 5012 5013 --yes
  xsiam-keys delete 5012 --dry-run
`,
  rotate: `Usage: xsiam-keys rotate ID [--out FILE [--force]] [--format env|json|raw] [--reveal]
                        [--expires 30d|ISO-DATE] [--keep-old] [--dry-run]

Replaces key ID, printing each step:
  1. reads the old key's roles, level and comment;
  2. generates a new key with them (expiring after --expires, or the old key's lifetime);
  3. hands the new key over, as generate does;
  4. checks that the new key authenticates (a 200 or a 403 proves it; a 401 does not);
  5. deletes the old key, unless --keep-old.
If a step fails, what was done is undone (the new key deleted, a replaced file put back), so that
you hold exactly one working key. The last lines say which. Exit code 4 means a state that needs
attention, and says what to do.

Options:
  --out FILE, --force, --format F, --reveal    where the new key goes, as for generate
  --expires E               the new key's expiry (default: the old key's lifetime, at most six months)
  --keep-old                keep the old key; the command to delete it later is printed
  --dry-run                 show the plan, and change nothing

Examples:
  xsiam-keys rotate 5012 --out export.env --force
  xsiam-keys rotate 5012 --format raw --quiet | vault kv put secret/xsiam/export key=-
  xsiam-keys rotate 5012 --keep-old --out new.env
`,
};
