//! A fluent builder that runs the real `cutover` binary in a temporary directory.
//!
//! ```ignore
//! Test::new()
//!     .file("spec.yaml", "cutover: [\n")
//!     .args(["validate", "spec.yaml"])
//!     .stderr_snapshot()
//!     .status(1)
//!     .run();
//! ```
//!
//! Files are written relative to the temporary directory, which is also the working directory of
//! the command, so paths in the output are the short relative ones given on the command line.
//! Snapshots are named after the test function (libtest names each test's thread after it) and
//! stored in the top-level `snapshots/cli/`, with the command line as the snapshot description.

use std::path::Path;
use std::process::Command;

use tempfile::TempDir;

/// What a finished command printed, and its exit code.
#[derive(Debug)]
pub struct Output {
    /// Standard output, as UTF-8.
    pub stdout: String,
    /// Standard error, as UTF-8.
    pub stderr: String,
    /// The exit code.
    pub status: i32,
}

/// One command to run, the files it sees, and what to expect of it.
#[must_use = "a Test does nothing until `.run()`"]
pub struct Test {
    directory: TempDir,
    args: Vec<String>,
    env: Vec<(String, Option<String>)>,
    status: i32,
    stdout_snapshot: bool,
    stderr_snapshot: bool,
    stdout_contains: Vec<String>,
    stderr_contains: Vec<String>,
    output_lacks: Vec<String>,
}

impl Test {
    /// An empty temporary directory; the command is expected to exit 0 unless `.status` says
    /// otherwise. Variables that change how output looks (NO_COLOR, COLUMNS) are removed.
    pub fn new() -> Self {
        Test {
            directory: tempfile::tempdir().expect("create a temporary directory"),
            args: Vec::new(),
            env: ["NO_COLOR", "COLUMNS", "CLICOLOR_FORCE"].map(|name| (name.to_owned(), None)).into(),
            status: 0,
            stdout_snapshot: false,
            stderr_snapshot: false,
            stdout_contains: Vec::new(),
            stderr_contains: Vec::new(),
            output_lacks: Vec::new(),
        }
    }

    /// Write a file (creating its directories) relative to the temporary directory.
    #[track_caller]
    pub fn file(self, path: impl AsRef<Path>, contents: &str) -> Self {
        let path = self.directory.path().join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create the file's directory");
        }
        std::fs::write(&path, contents).expect("write a test file");
        self
    }

    /// Add arguments after the program name.
    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// Set an environment variable for the command.
    pub fn env(mut self, name: &str, value: &str) -> Self {
        self.env.push((name.to_owned(), Some(value.to_owned())));
        self
    }

    /// Remove an environment variable for the command.
    pub fn env_remove(mut self, name: &str) -> Self {
        self.env.push((name.to_owned(), None));
        self
    }

    /// Expect this exit code (default 0).
    pub fn status(mut self, code: i32) -> Self {
        self.status = code;
        self
    }

    /// Compare the whole of stdout with the snapshot named after the test.
    pub fn stdout_snapshot(mut self) -> Self {
        self.stdout_snapshot = true;
        self
    }

    /// Compare the whole of stderr with the snapshot named after the test.
    pub fn stderr_snapshot(mut self) -> Self {
        self.stderr_snapshot = true;
        self
    }

    /// Expect stdout to contain this text.
    pub fn stdout_contains(mut self, text: &str) -> Self {
        self.stdout_contains.push(text.to_owned());
        self
    }

    /// Expect stderr to contain this text.
    pub fn stderr_contains(mut self, text: &str) -> Self {
        self.stderr_contains.push(text.to_owned());
        self
    }

    /// Expect this text in neither stdout nor stderr (a secret, an escape sequence).
    pub fn output_lacks(mut self, text: &str) -> Self {
        self.output_lacks.push(text.to_owned());
        self
    }

    /// Run the command, check every expectation, and return what it printed.
    #[track_caller]
    pub fn run(self) -> Output {
        let mut command = Command::new(env!("CARGO_BIN_EXE_cutover"));
        command.args(&self.args).current_dir(self.directory.path());
        for (name, value) in &self.env {
            match value {
                Some(value) => command.env(name, value),
                None => command.env_remove(name),
            };
        }
        let output = command.output().expect("run the cutover binary");
        let output = Output {
            stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
            status: output.status.code().expect("the command exited, not killed by a signal"),
        };
        let shown = format!("cutover {}", self.args.join(" "));

        assert_eq!(
            output.status, self.status,
            "`{shown}` exited {} (expected {})\n--- stdout\n{}\n--- stderr\n{}",
            output.status, self.status, output.stdout, output.stderr,
        );
        for text in &self.stdout_contains {
            assert!(output.stdout.contains(text), "stdout of `{shown}` lacks {text:?}:\n{}", output.stdout);
        }
        for text in &self.stderr_contains {
            assert!(output.stderr.contains(text), "stderr of `{shown}` lacks {text:?}:\n{}", output.stderr);
        }
        for text in &self.output_lacks {
            assert!(!output.stdout.contains(text), "stdout of `{shown}` contains {text:?}:\n{}", output.stdout);
            assert!(!output.stderr.contains(text), "stderr of `{shown}` contains {text:?}:\n{}", output.stderr);
        }
        if self.stdout_snapshot || self.stderr_snapshot {
            let name = test_name();
            let mut settings = super::settings("cli");
            // Relative to this file, which sits one directory deeper than the test modules.
            settings.set_snapshot_path("../../snapshots/cli");
            settings.set_description(format!("$ {shown}"));
            settings.bind(|| {
                if self.stdout_snapshot {
                    insta::assert_snapshot!(format!("{name}.stdout"), output.stdout);
                }
                if self.stderr_snapshot {
                    insta::assert_snapshot!(format!("{name}.stderr"), output.stderr);
                }
            });
        }
        output
    }
}

/// The running test's function name: libtest names each test's thread `module::function`.
#[track_caller]
fn test_name() -> String {
    let thread = std::thread::current();
    let name = thread.name().filter(|name| *name != "main").expect("snapshots need libtest's named test threads");
    name.rsplit("::").next().unwrap_or(name).to_owned()
}
