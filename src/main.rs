fn main() {
    std::process::exit(backend_gen::run());
}
