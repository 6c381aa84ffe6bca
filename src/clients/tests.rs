use super::path_params;

#[test]
fn path_parameters_are_read_in_order() {
    assert_eq!(
        path_params("/v1/products/{id}/categories/{categoryId}"),
        ["id", "categoryId"]
    );
    assert!(path_params("/v1/products").is_empty());
}
