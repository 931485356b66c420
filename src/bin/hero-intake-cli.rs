//! The command line as a console program. On Windows a release `hero-intake.exe` is a
//! windowed program (no console behind the app), so cmd and PowerShell neither show
//! its output nor wait for its exit code; this binary does both. Same commands, same
//! library; it never opens the window.

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};
use hero_intake::cli::Cli;

fn main() -> ExitCode {
    let matches = Cli::command()
        .name("hero-intake-cli")
        .bin_name("hero-intake-cli")
        .get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    hero_intake::init_logging();
    hero_intake::install_redacting_panic_hook();
    let Some(command) = cli.command else {
        eprintln!(
            "hero-intake-cli runs Hero Intake's commands: register, check, batch, sandbox (see hero-intake-cli --help). To open the window, run hero-intake."
        );
        return ExitCode::from(hero_intake::cli::EXIT_INVALID);
    };
    match hero_intake::build_runtime() {
        Ok(runtime) => hero_intake::cli::run(command, &runtime),
        Err(e) => {
            eprintln!("Hero Intake couldn't start its background worker: {e}");
            ExitCode::from(1)
        }
    }
}
