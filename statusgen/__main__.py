from statusgen.cli import run

run()
