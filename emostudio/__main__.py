from emostudio.cli.main import main

raise SystemExit(main())
