// `include_dir!` embeds the templates at compile time but does not tell cargo about them:
// rebuild when one is added, removed or edited.
fn main() {
    println!("cargo:rerun-if-changed=templates");
}
