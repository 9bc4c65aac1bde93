from manage_secrets.cli import console_main

console_main()
