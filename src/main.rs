//! The `liftlab` command; everything it does lives in the library and the `cli` module.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
