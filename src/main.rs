mod config;
mod python;
mod source;
mod yaml;
fn main() {}
