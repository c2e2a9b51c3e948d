//! How to reach the LGSP catalogue service: flags and environment variables (`APP_LGSP_*`).

use clap::{Args, ValueEnum};

/// How the API signs in to LGSP (each province's gateway has its own habit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum LgspAuth {
    /// OAuth2 client credentials: `POST {base}/token` with HTTP Basic (consumer key and
    /// secret), then `Authorization: Bearer` (WSO2).
    #[default]
    ClientCredentials,
    /// The same, plus the VNPT-style `lgspaccesstoken` header (Base64 of a JSON with AccessKey,
    /// SecretKey, AppName, PartnerCode, PartnerCodeCus) on the token call and every request.
    Vnpt,
    /// A user name and password (and application code) posted to a login path, which answers
    /// with a token.
    Login,
}

/// The LGSP catalogue service (danh mục dùng chung) and how to sign in to it.
#[derive(Clone, Args)]
pub struct LgspSettings {
    /// Base URL of the LGSP services (e.g. `https://lgsp.dongnai.gov.vn/api`); catalogues are
    /// read from `{base}/dmdc/Category/{catalogue}`. Unset: no LGSP.
    #[arg(
        id = "lgsp_base_url",
        long = "lgsp-base-url",
        env = "APP_LGSP_BASE_URL"
    )]
    pub base_url: Option<String>,
    /// How to sign in.
    #[arg(id = "lgsp_auth", long = "lgsp-auth", env = "APP_LGSP_AUTH", value_enum, default_value_t = LgspAuth::ClientCredentials)]
    pub auth: LgspAuth,
    /// Path of the token endpoint under the base URL (client credentials, VNPT).
    #[arg(
        id = "lgsp_token_path",
        long = "lgsp-token-path",
        env = "APP_LGSP_TOKEN_PATH",
        default_value = "/token"
    )]
    pub token_path: String,
    /// Consumer key (client id) for the token endpoint.
    #[arg(
        id = "lgsp_consumer_key",
        long = "lgsp-consumer-key",
        env = "APP_LGSP_CONSUMER_KEY"
    )]
    pub consumer_key: Option<String>,
    /// Consumer secret for the token endpoint.
    #[arg(
        id = "lgsp_consumer_secret",
        long = "lgsp-consumer-secret",
        env = "APP_LGSP_CONSUMER_SECRET",
        hide_env_values = true
    )]
    pub consumer_secret: Option<String>,
    /// VNPT `lgspaccesstoken`: AccessKey.
    #[arg(
        id = "lgsp_access_key",
        long = "lgsp-access-key",
        env = "APP_LGSP_ACCESS_KEY"
    )]
    pub access_key: Option<String>,
    /// VNPT `lgspaccesstoken`: SecretKey.
    #[arg(
        id = "lgsp_secret_key",
        long = "lgsp-secret-key",
        env = "APP_LGSP_SECRET_KEY",
        hide_env_values = true
    )]
    pub secret_key: Option<String>,
    /// VNPT `lgspaccesstoken`: AppName.
    #[arg(
        id = "lgsp_app_name",
        long = "lgsp-app-name",
        env = "APP_LGSP_APP_NAME"
    )]
    pub app_name: Option<String>,
    /// VNPT `lgspaccesstoken`: PartnerCode.
    #[arg(
        id = "lgsp_partner_code",
        long = "lgsp-partner-code",
        env = "APP_LGSP_PARTNER_CODE"
    )]
    pub partner_code: Option<String>,
    /// VNPT `lgspaccesstoken`: PartnerCodeCus.
    #[arg(
        id = "lgsp_partner_code_cus",
        long = "lgsp-partner-code-cus",
        env = "APP_LGSP_PARTNER_CODE_CUS"
    )]
    pub partner_code_cus: Option<String>,
    /// Login: the user name.
    #[arg(
        id = "lgsp_username",
        long = "lgsp-username",
        env = "APP_LGSP_USERNAME"
    )]
    pub username: Option<String>,
    /// Login: the password.
    #[arg(
        id = "lgsp_password",
        long = "lgsp-password",
        env = "APP_LGSP_PASSWORD",
        hide_env_values = true
    )]
    pub password: Option<String>,
    /// Login: the application code the gateway registered.
    #[arg(
        id = "lgsp_application_code",
        long = "lgsp-application-code",
        env = "APP_LGSP_APPLICATION_CODE"
    )]
    pub application_code: Option<String>,
    /// Login: the path under the base URL.
    #[arg(
        id = "lgsp_login_path",
        long = "lgsp-login-path",
        env = "APP_LGSP_LOGIN_PATH",
        default_value = "/api/login"
    )]
    pub login_path: String,
    /// Seconds one request to LGSP may take.
    #[arg(
        id = "lgsp_timeout",
        long = "lgsp-timeout",
        env = "APP_LGSP_TIMEOUT",
        default_value_t = 30.0
    )]
    pub timeout: f64,
    /// The agency identifier catalogues, level 1 first (comma-separated).
    #[arg(
        id = "lgsp_agency_catalogues",
        long = "lgsp-agency-catalogues",
        env = "APP_LGSP_AGENCY_CATALOGUES",
        value_delimiter = ',',
        default_value = "qlvanbandieuhanhcap1,qlvanbandieuhanhcap2,qlvanbandieuhanhcap3,qlvanbandieuhanhcap4"
    )]
    pub agency_catalogues: Vec<String>,
    /// Level-1 codes whose agency trees the sync governs (e.g. `H19`); empty: every tree the
    /// catalogue lists.
    #[arg(
        id = "lgsp_agency_scope",
        long = "lgsp-agency-scope",
        env = "APP_LGSP_AGENCY_SCOPE",
        value_delimiter = ','
    )]
    pub agency_scope: Vec<String>,
    /// Reference catalogues kept as reference codes: administrative units and the emulation and
    /// award code list (comma-separated).
    #[arg(
        id = "lgsp_reference_catalogues",
        long = "lgsp-reference-catalogues",
        env = "APP_LGSP_REFERENCE_CATALOGUES",
        value_delimiter = ',',
        default_value = "donvihanhchinhcap1,donvihanhchinhcap2,donvihanhchinhcap3,mathiduakhenthuong"
    )]
    pub reference_catalogues: Vec<String>,
    /// Run the sync on a schedule in the server (e.g. `24h`; seconds, or with s, m, h, d).
    /// Instances sharing a database take turns.
    #[arg(
        id = "lgsp_sync_every",
        long = "lgsp-sync-every",
        env = "APP_LGSP_SYNC_EVERY"
    )]
    pub sync_every: Option<String>,
}

impl Default for LgspSettings {
    fn default() -> Self {
        Self {
            base_url: None,
            auth: LgspAuth::ClientCredentials,
            token_path: "/token".into(),
            consumer_key: None,
            consumer_secret: None,
            access_key: None,
            secret_key: None,
            app_name: None,
            partner_code: None,
            partner_code_cus: None,
            username: None,
            password: None,
            application_code: None,
            login_path: "/api/login".into(),
            timeout: 30.0,
            agency_catalogues: [1, 2, 3, 4]
                .map(|n| format!("qlvanbandieuhanhcap{n}"))
                .to_vec(),
            agency_scope: Vec::new(),
            reference_catalogues: [
                "donvihanhchinhcap1",
                "donvihanhchinhcap2",
                "donvihanhchinhcap3",
                "mathiduakhenthuong",
            ]
            .map(str::to_owned)
            .to_vec(),
            sync_every: None,
        }
    }
}

/// Secrets are never printed.
impl std::fmt::Debug for LgspSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hidden = |s: &Option<String>| s.as_ref().map(|_| "<hidden>");
        f.debug_struct("LgspSettings")
            .field("base_url", &self.base_url)
            .field("auth", &self.auth)
            .field("consumer_key", &self.consumer_key)
            .field("consumer_secret", &hidden(&self.consumer_secret))
            .field("access_key", &self.access_key)
            .field("secret_key", &hidden(&self.secret_key))
            .field("username", &self.username)
            .field("password", &hidden(&self.password))
            .field("agency_catalogues", &self.agency_catalogues)
            .field("agency_scope", &self.agency_scope)
            .field("reference_catalogues", &self.reference_catalogues)
            .field("sync_every", &self.sync_every)
            .finish_non_exhaustive()
    }
}
