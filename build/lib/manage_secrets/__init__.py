"""Operations CLI for the Programador Musical secrets (replaces the old manage-secrets.sh)."""
