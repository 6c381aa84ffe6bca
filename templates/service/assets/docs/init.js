// Swagger UI over this service's own document (relative paths, so the page also works
// behind a proxy that adds a prefix). Nothing comes from another host: the online
// validator's badge is off. "Authorize" takes a bearer token; "Try it out" sends requests.
window.ui = SwaggerUIBundle({
  url: "openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  displayOperationId: true,
  validatorUrl: null,
  tryItOutEnabled: true,
});
