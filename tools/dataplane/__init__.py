"""The local data plane: runs on the local Docker engine what the emulator records (tools/dataplane/main.py)."""
