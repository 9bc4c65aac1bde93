"""What the project's command-line programs share: how a process ends (Ctrl-C, a reader that
went away) and how argument errors are told without repeating what was typed. Used by the
operations CLI and by the development commands alike, so neither reaches into the other."""
