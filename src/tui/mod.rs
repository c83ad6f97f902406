//! The terminal UI (Elm architecture: one state, messages, an update function, pure views).

/// Entry point of the terminal UI.
pub fn run(
    store: crate::core::store::Store,
    env: crate::core::settings::Env,
) -> anyhow::Result<()> {
    let _ = (store, env);
    println!("the terminal UI is not built yet");
    Ok(())
}
