// Help texts. Every command's help has examples; the exit codes are in the overview.

export const OVERVIEW = `xsiam-keys: mint, list, rotate and revoke Cortex XSIAM API keys

Usage: xsiam-keys <command> [options]

Commands:
  check                     authenticate, and show the key's id, level, roles and expiry
  list                      list keys (a table on a terminal, JSON otherwise)
  generate --role R ...     create a key and hand it over (to a file of mode 600, or a pipe)
  delete ID ...             delete keys, after showing them and asking
  rotate ID                 replace a key: new key, hand-over, check, then delete the old one
  audit                     keys that need attention: expired, expiring, never expiring, too old
  prune --expired           delete the keys that expired over an hour ago, after showing them

Credentials (never from a flag, which would show in ps and shell history):
  XSIAM_BASE_URL or XSIAM_FQDN, XSIAM_API_KEY, XSIAM_API_KEY_ID, and optionally
  XSIAM_SECURITY_LEVEL (advanced or standard) and XSIAM_CHILD_TENANT_ID, from:
  the environment; --credentials FILE (dotenv lines, which override it; warns when others
  can read FILE); the key alone from standard input with --api-key-stdin.
  XSIAM_SETTLE_MS: after a generate failed without knowing whether the service minted the key
  (a timeout, a lost connection, a 502/503/504), how long to keep looking for it before retrying;
  180000 (3 minutes) by default.
  XSIAM_REDIS_URL (redis:// or rediss://): share the tenant's limit of 10 requests per second
  with every other process that calls it (xsiam-keys, xsiam-mcp, your code) through Redis, on
  the key xsiam:rate:<host of XSIAM_BASE_URL>; warns and goes on alone when Redis is down.
  Not --env-file: that is Node.js's own option, which Node 20 looks for itself before the tool
  starts (it exits 9 when the file is missing; some versions load the file into the process).

Options for every command:
  --credentials FILE        read XSIAM_* settings from FILE
  --api-key-stdin           read the key from standard input
  --json                    output JSON (the default when stdout is not a terminal); errors and
                            warnings go to stderr as JSON lines too
  -v, --verbose             a line on stderr for each request and response (method, path,
                            status, duration, attempt; never a header, a body or a key)
  -q, --quiet               no progress or notes on stderr (errors, warnings, what to do next,
                            and the marker of a key being created still are)
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
  5  audit found keys that need attention
  130, 143, 129  stopped by Ctrl-C (SIGINT), SIGTERM or SIGHUP, after finishing or undoing the step
     it was in; a second Ctrl-C stops at once and prints what is left to clean up

Examples:
  xsiam-keys --credentials admin.env check
  xsiam-keys list --role Viewer --expiring-within 14d
  xsiam-keys generate --role Viewer --expires 30d --comment "nightly export" --out export.env
  xsiam-keys rotate 5012 --to-command 'vault kv put secret/xsiam/export key=-'
`;

export const COMMANDS: Readonly<Record<string, string>> = {
  check: `Usage: xsiam-keys check [--json]

Authenticates with a signed get_api_keys call for the key's own id, and shows the key's id,
level, roles, comment and expiry. A key that may not list keys still authenticates (HTTP 403):
then its details are not shown. On a 401 it compares the service's clock (its Date header) with
this machine's, and says "your clock is off by 7 minutes" when that is the cause.

Examples:
  xsiam-keys check
  xsiam-keys --credentials export.env check --json
`,
  list: `Usage: xsiam-keys list [--id N]... [--role R]... [--expiring-within DURATION]
                      [--marker MARKER] [--json]

Lists the keys that match every filter given (all keys without one), expired ones included. On
a terminal: a table with id, level, roles, comment, created, expires and "expires in" (and the
marker, with --marker); with
--json, or when stdout is not a terminal, a JSON array of keys (id, roles, securityLevel,
comment, marker, createdAt, expiresAt, createdBy, userName).

Options:
  --id N                    keys with this id (repeat for several)
  --role R                  keys that have this role (repeat: keys that have all of them)
  --expiring-within D       keys that expire between now and D from now: 7d, 12h, 90m, 2w
  --marker MARKER           the key a generate or rotate created with this marker, as it printed
                            it ([xsiam-sdk:…], or only its 16 letters and digits): to find a key
                            left by a run that failed or was killed

Examples:
  xsiam-keys list
  xsiam-keys list --role Viewer --role Responder
  xsiam-keys list --expiring-within 7d --json | jq '.[].id'
  xsiam-keys list --marker q3XvR8kLm2Pw9TzA
`,
  generate: `Usage: xsiam-keys generate --role R [--role R]... [--level advanced|standard]
                          [--expires 30d|ISO-DATE] [--comment TEXT]
                          [--out FILE [--force] | --to-command CMD [--command-timeout 2m]]
                          [--format env|json|raw] [--reveal]

Creates a key and hands it over, then says where it went:
- --out FILE: to a new file of mode 600, written fully, fsynced and read back before the tool says
  it is there. --force rewrites an existing regular file in place, so that its owner, group, mode,
  ACLs and hard links stay (it refuses a file it cannot write); a symbolic link, a FIFO or anything
  that is not a regular file is never written to. The folder is checked before the key is created.
- --to-command CMD: to a command run with /bin/sh -c, the key on its standard input (never in its
  arguments or environment), without the tool's XSIAM_* variables, within --command-timeout
  (default 2m). It must exit with 0 having read all of its input; otherwise the key is deleted.
- Otherwise to standard output, but only with an explicit --format (in CI, standard output is often
  the job's log), and only when that is a pipe or a file, or with --reveal: a key shown on a
  terminal stays on screen and in scrollback. A file others can read gets a warning.
If the key cannot be handed over, it is deleted. Before the request is sent, the marker the new key
will carry is printed on stderr (even with --quiet): if the run dies, list --marker finds that key.
The key never goes to stderr, logs or error messages. If the request times out or gets a 502, 503
or 504, the service may still create the key: the tool waits for it (up to XSIAM_SETTLE_MS, 3
minutes by default, counting down), deletes it, and only then tries again.

Formats: env (the default for --out and stdout) writes XSIAM_BASE_URL, XSIAM_API_KEY_ID,
XSIAM_API_KEY and XSIAM_SECURITY_LEVEL lines, quoted where needed so that --credentials, Node's
--env-file and a shell's "set -a; . FILE" all read the same values; json writes one object:
id, key, securityLevel, baseUrl and childTenantId (the names the client's GeneratedApiKey and
createXsiamClient use); raw
writes the key alone (the default for --to-command).

Options:
  --role R                  a role of the new key, as named in the console (repeat for several)
  --level L                 advanced (default: every request is signed) or standard
  --expires E               a duration (30d, 12h, 2w) or an ISO date; default: one week
  --comment TEXT            a note stored with the key
  --out FILE                write the key to FILE (mode 600)
  --force                   with --out: replace FILE if it exists (owner, group and mode kept)
  --to-command CMD          hand the key to CMD on its standard input
  --command-timeout D       how long CMD may take (45s, 2m; default 2m)
  --format F                env, json or raw
  --reveal                  print the key even on a terminal

Examples:
  xsiam-keys generate --role Viewer --out viewer.env
  xsiam-keys generate --role "Instance Administrator" --expires 90d --format json --out key.json
  xsiam-keys generate --role Viewer --to-command 'gh secret set XSIAM_API_KEY'
`,
  delete: `Usage: xsiam-keys delete ID... [--yes] [--dry-run] [--missing-ok]

Shows the keys that would be deleted (read with list), and asks on a terminal. Without a terminal
it refuses unless --yes is given. It never deletes the key it authenticates with. If any ID has no
key (a typo, or a key deleted already), it deletes nothing and exits 1, unless --missing-ok.

Options:
  --yes                     delete without asking
  --dry-run                 show what would be deleted, and delete nothing
  --missing-ok              delete the keys that exist; an ID with no key is only noted (for a
                            job that runs again after its keys are gone)

Examples:
  xsiam-keys delete 5012
  xsiam-keys delete 5012 5013 --yes
  xsiam-keys delete 5012 --dry-run
  xsiam-keys delete 5012 --yes --missing-ok
`,
  rotate: `Usage: xsiam-keys rotate ID [--out FILE [--force] | --to-command CMD] [--format env|json|raw]
                        [--reveal] [--expires 30d|ISO-DATE] [--keep-old] [--dry-run]

Replaces key ID, printing each step:
  1. reads the old key's roles, level, comment and expiry;
  2. generates a new key with them, exactly once (the marker it carries is printed first);
  3. hands the new key over, as generate does;
  4. checks that the new key authenticates (a 200 or a 403 proves it; a 401 is tried 3 times);
  5. deletes the old key, unless --keep-old.
If a step fails, what was done is undone in reverse order (the file put back, the new key
deleted), so that you hold a working key; the last lines say which, and exit code 4 says what is
left to do. The new key's expiry is shown before it is created: the old key's lifetime from now (at
most six months), or --expires, which a key that never expires needs.

Where the key goes decides what is checked:
- --out FILE: written, fsynced and read back; it can be put back, so any later failure undoes it.
- --to-command CMD: the command's exit status, and whether it read all of the key, is the check; a
  failure deletes the new key and keeps the old one. What a command stored cannot be taken back, so a later failure keeps both
  keys and says which to delete.
- standard output (a pipe): the tool cannot know whether the reader stored the key, so the old key
  is always kept, and the command that finishes the rotation is printed. Prefer --to-command.

Ctrl-C, SIGTERM or SIGHUP during a step finishes or undoes it (a generate already sent is waited
for, then its key deleted), says what was done, and exits 130, 143 or 129. A second Ctrl-C stops at
once and prints the key or marker left to clean up.

Options:
  --out FILE, --force, --to-command CMD, --command-timeout D, --format F, --reveal
                            where the new key goes, as for generate
  --expires E               the new key's expiry (default: the old key's lifetime, at most six months)
  --keep-old                keep the old key; the command to delete it later is printed
  --dry-run                 show the plan (with the new key's expiry), and change nothing

Examples:
  xsiam-keys rotate 5012 --out export.env --force
  xsiam-keys rotate 5012 --to-command 'vault kv put secret/xsiam/export key=-'
  xsiam-keys rotate 5012 --keep-old --out new.env
  xsiam-keys rotate 5012 --expires 90d --dry-run
`,
  audit: `Usage: xsiam-keys audit [--expiring-within 14d] [--max-age DURATION] [--id N]... [--role R]...
                       [--json]

Finds the keys that need attention, by kind:
  expired    past its expiration, and still listed
  expiring   expires within --expiring-within (14 days by default)
  no-expiry  never expires
  too-old    created longer ago than --max-age (only when --max-age is given)
A table on a terminal; with --json, {"findings": [{"id", "kind", "expiresAt", "createdAt", "roles",
"comment"}], "checked", "expiringWithinDays", "at"}. Exits 5 when there is any finding, 0 when
there is none, so that a CI job fails on it.

Options:
  --expiring-within D       how soon counts as expiring: 14d (the default), 30d, 2w
  --max-age D               keys created longer ago than D are too old: 365d, 52w
  --id N                    only the key with this id (repeat for several)
  --role R                  only keys that have this role (repeat: keys that have all of them)

Examples:
  xsiam-keys audit
  xsiam-keys audit --expiring-within 30d --max-age 365d
  xsiam-keys audit --json | jq '.findings[] | select(.kind == "expired") | .id'
`,
  prune: `Usage: xsiam-keys prune --expired [--dry-run] [--yes]

Deletes the keys that expired more than an hour ago (they no longer authenticate, but stay
listed), as delete does: shows them, asks on a terminal (or needs --yes), and never deletes the key
the tool uses. The hour is room for this machine's clock running ahead of the tenant's: a key the
tenant still honours is never deleted. The keys are read again just before the delete; one that no
longer meets the rule is kept.

Options:
  --expired                 the keys to delete: those that expired more than an hour ago (required)
  --dry-run                 show what would be deleted, and delete nothing
  --yes                     delete without asking

Examples:
  xsiam-keys prune --expired --dry-run
  xsiam-keys prune --expired --yes
`,
};
