"""Changing modules that exist: template releases, git, preconditions, versioned migrations, adoption of
hand-made modules, and what an update leaves behind."""
