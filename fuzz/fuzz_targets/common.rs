//! What the targets share: running a body on a thread with the stack the `canon`
//! binary gives its parser threads, so a stack overflow found here is one the binary
//! would hit too.

/// The stack size `canon`'s main gives every thread that parses Python.
pub const STACK_BYTES: usize = 256 << 20;

/// Runs `body` on a thread with [`STACK_BYTES`] of stack; a panic in it is re-raised
/// so libFuzzer records the input.
pub fn with_big_stack<F: FnOnce() + Send>(body: F) {
    std::thread::scope(|scope| {
        let handle = std::thread::Builder::new()
            .stack_size(STACK_BYTES)
            .spawn_scoped(scope, body)
            .expect("spawn a fuzzing thread");
        if let Err(panic) = handle.join() {
            std::panic::resume_unwind(panic);
        }
    });
}
