#!/usr/bin/env node
// The `bin` of the package: a committed file, so that installing the workspace can link it
// before anything is built (pnpm warns on a bin that does not exist yet). The server is
// dist/bin.js, built from src/bin.ts.
import "../dist/bin.js";
