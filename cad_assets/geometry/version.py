"""Version of what the encoder writes. Importing this module does not load the CAD kernel."""

#: Bump whenever an array's meaning, shape, dtype or the default feature set changes: the
#: version is part of every store's name, so a bump re-encodes every file.
ENCODER_VERSION = "2"  # 2: closed-form sphere and torus face boxes; no grid on unbounded faces
