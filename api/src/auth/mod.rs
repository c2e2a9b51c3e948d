//! Who is calling: bearer JWTs (HS256 shared secret, RS256/ES256 against a JWKS) and the LGSP
//! gateway's backend JWT (`X-JWT-Assertion`, WSO2 claim dialect), mapped to a [`Principal`].
//! No token means anonymous. The roles' rules are enforced in `domain::access`.

pub mod token;
pub mod verified;

pub use domain::access::principal::{self, ClosedUnit, Principal, Role};
pub use token::{AuthError, Authenticator};
