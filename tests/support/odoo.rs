//! Generated Odoo datasets and the Odoo emulator served for driver tests: one dataset per test
//! area, generated once per process, and a server on a runtime of its own, so the driver's
//! blocking calls never starve it.

use std::path::Path;

use cutover::generate::Platform;
use cutover::sandbox::odoo::{EmulatorConfig, OdooEmulator, OdooServer};

/// The Odoo dataset `name` (`tickets` tickets, `seed`), generated on first use in a directory of
/// this process.
pub fn dataset(name: &str, tickets: u64, seed: u64) -> &'static Path {
    super::generated(Platform::Odoo, name, tickets, seed)
}

/// An emulator served on its own runtime; shut down when dropped.
pub struct Served {
    server: Option<OdooServer>,
    runtime: tokio::runtime::Runtime,
}

impl Served {
    /// Load the dataset `config` names and serve it on 127.0.0.1.
    pub fn serve(config: EmulatorConfig) -> Served {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
        let emulator = OdooEmulator::new(config).expect("load the dataset");
        let server = runtime.block_on(OdooServer::start(emulator, 0)).expect("serve the emulator");
        Served { server: Some(server), runtime }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        self.server.as_ref().unwrap().base_url()
    }

    /// Run a future on the server's runtime (a raw request beside the driver).
    pub fn block_on<F: std::future::Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            self.runtime.block_on(server.shutdown());
        }
    }
}
