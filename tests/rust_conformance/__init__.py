"""Read Rust with tree-sitter and hold code to the platform snapshot: the API-conformance checker of issue 11.

The platform's crates cannot be built here (no crates.io), so this package does what a compiler's name
resolution and a little of its type checking would do, from source:

- `syntax` parses Rust with tree-sitter and turns type syntax into `Ty` terms;
- `index` builds a world of crates (modules, items, `use` re-exports, impl blocks, proc macros) from their
  `Cargo.toml` and `src/`;
- `infer` follows expressions (locals, fields, calls, method chains, `?`, `.await`) to the types it can know,
  unifying impl headers with receivers so a builder's type state decides which methods exist;
- `check` walks generated crates and reports every path, type, trait, method, macro and macro argument they
  use from `modkit*`, `gts*` and the platform's SDK crates that the snapshot does not have with a compatible
  shape (arity, receiver, builder state, trait bounds, fields, variants);
- `attested` covers platform SDK crates the snapshot leaves out (their use must appear in the snapshot);
- `macros` reads the accepted arguments and the rules of the platform's macros from their source;
- `lints` re-implements the dylint lints whose condition is visible without compiling, proven against the
  lints' own UI tests;
- `snapshot` finds the snapshot (`MODFORGE_UPSTREAM` or `<repo>/../shared/upstream`).

It is test tooling: tests import it, nothing in `modforge` does.
"""
