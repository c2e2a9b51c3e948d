use api::config::{Cli, Command};
use api::startup::Application;
use clap::Parser;

// The system allocator spent a fifth of the server's time under load (see README, Performance).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Schema) => {
            print!("{}", api::graphql::sdl());
            Ok(())
        }
        Some(Command::Serve(settings)) => serve(settings).await,
        Some(Command::Token(args)) => {
            println!("{}", token(&args)?);
            Ok(())
        }
        None => serve(cli.serve).await,
    }
}

async fn serve(settings: api::config::Settings) -> anyhow::Result<()> {
    api::telemetry::init(settings.log_format);
    let app = Application::build(settings).await?;
    app.run_until_stopped().await?;
    Ok(())
}

fn token(args: &api::config::TokenArgs) -> anyhow::Result<String> {
    use anyhow::Context as _;
    let role = api::auth::Role::parse(&args.role).with_context(|| {
        format!("unknown role {:?}: use PROVINCE_ADMIN, UNIT_ADMIN, UNIT_OFFICER, EMULATION_OFFICER, VIEWER or INTEGRATION", args.role)
    })?;
    let config = args.settings.auth_config()?;
    let secret = config
        .secret
        .context("no HS256 secret: set APP_JWT_SECRET")?;
    let ttl = api::auth::token::parse_ttl(&args.ttl)
        .with_context(|| format!("bad --ttl {:?}", args.ttl))?;
    api::auth::token::mint(
        &secret,
        &config.issuer,
        &config.audience,
        &api::auth::token::DevToken {
            subject: &args.subject,
            name: None,
            unit: args.unit.as_deref(),
            roles: &[role],
            ttl_seconds: ttl,
        },
    )
}
