// A real OpenID provider for the end-to-end tests: node-oidc-provider (OpenID Certified),
// with its development login and consent pages, and one confidential client.
//
//   node provider.mjs PORT CLIENT_ID CLIENT_SECRET REDIRECT_URI...
//
// Anyone signs in with any password; the login names the person, as
// `subject|email|verified|name` (`verified` is `true` or `false`), so each test says who
// the provider vouches for. Prints `ready ISSUER` once it listens.
import Provider from "oidc-provider";

const [port, clientId, clientSecret, ...redirectUris] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;

function person(login) {
  const [sub, email, verified, name] = login.split("|");
  return { sub, email, email_verified: verified === "true", name };
}

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: redirectUris,
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
    },
  ],
  claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
  // The scopes' claims in the ID token itself, as Google's and Keycloak's are: the service
  // reads no userinfo.
  conformIdTokenClaims: false,
  cookies: { keys: ["backend-gen-tests-cookie-key"] },
  pkce: { required: () => true },
  async findAccount(_ctx, id) {
    return { accountId: id, claims: async () => person(id) };
  },
});
// The development pages warn on every start that they are not for production: they are not
// run in production here.
provider.on("server_error", (_ctx, err) => console.error("server_error", err));
provider.listen(Number(port), "127.0.0.1", () => {
  console.log(`ready ${issuer}`);
});
