fn main() -> std::process::ExitCode {
    cutover::run(std::env::args_os())
}
