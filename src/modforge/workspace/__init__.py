"""modforge.workspace: the monorepo side of a module. Wiring a module into the server (`modforge wire`,
`unwire`, `wire --check`) and what the workspace process pack needs to know about the monorepo.

- `paths`: where the monorepo keeps things (`.modforge.toml` `[paths]`, the conventions as defaults).
- `monorepo`: finding the workspace root, the server crate and a module's crates.
- `cargo`: the root `[workspace].members` and the server crate's dependency (tomlkit, round trip).
- `registration`: the `use <crate> as _;` line in the server's `registered_modules.rs`.
- `yaml_config`: the module's block under `modules:` in the server configs (ruamel.yaml, positions only).
- `e2e`: the module's E2E package under `testing/e2e/modules/<snake>/`.
- `wiring`: the three plans (wire, unwire, check) built from the pieces above, written through one
  `modforge.filesystem.transaction.Transaction` rooted at the monorepo root.

Every edit keeps each byte it does not need to change: comments, blank lines, key order, quoting and
line endings. A file that cannot be edited safely stops the whole plan before anything is written.
"""
