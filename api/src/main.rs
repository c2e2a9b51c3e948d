use std::process::ExitCode;

use api::config::{Cli, Command};
use api::startup::Application;

// The system allocator spent a fifth of the server's time under load (docs/performance-log.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[actix_web::main]
async fn main() -> ExitCode {
    let cli = match Cli::load() {
        Ok(cli) => cli,
        Err(error) => {
            eprintln!("error: {}", api::diagnostic::message(&error));
            return ExitCode::FAILURE;
        }
    };
    match run(cli).await {
        Ok(code) => code,
        Err(error) => {
            // One sentence with its causes, each once; no backtrace (an operator's message).
            eprintln!("error: {}", api::diagnostic::message(&error));
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Some(Command::Schema) => {
            print!("{}", api::graphql::sdl());
        }
        Some(Command::Serve(settings)) => return serve(settings).await,
        Some(Command::Token(args)) => {
            println!("{}", token(&args)?);
        }
        Some(Command::Migrate(settings)) => {
            api::telemetry::init(settings.log_format);
            println!("{}", api::ops::migrate(&settings).await?);
        }
        Some(Command::Healthcheck(args)) => {
            let url = args
                .url
                .unwrap_or_else(|| api::ops::readyz_url(args.listen));
            println!("{}", api::ops::healthcheck(&url).await?);
        }
        Some(Command::Catalogues(command)) => return catalogues(command).await,
        None => return serve(cli.serve).await,
    }
    Ok(ExitCode::SUCCESS)
}

async fn serve(settings: api::config::Settings) -> anyhow::Result<ExitCode> {
    if settings.check_config {
        let findings = api::ops::check_config(&settings).await;
        for finding in &findings {
            println!(
                "{} {:<12} {}",
                if finding.ok { "ok   " } else { "error" },
                finding.subject,
                finding.text
            );
        }
        return Ok(if findings.iter().all(|f| f.ok) {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        });
    }
    api::telemetry::init_with(settings.log_format, settings.traces().as_ref())?;
    let app = Application::build(settings).await?;
    app.run_until_stopped().await?;
    Ok(ExitCode::SUCCESS)
}

async fn catalogues(command: api::config::CataloguesCommand) -> anyhow::Result<ExitCode> {
    use api::config::CataloguesCommand;
    match command {
        CataloguesCommand::Sync {
            dry_run,
            allow_mass_closing,
            settings,
        } => {
            api::telemetry::init(settings.log_format);
            let client = api::lgsp::LgspClient::new(&settings.lgsp)?;
            let (db, _) = api::db::connect(&settings).await?;
            api::db::migrate(&db).await?;
            let run = api::lgsp::SyncRun {
                dry_run,
                allow_mass_closing,
            };
            let report = api::lgsp::run_sync(&db, &client, &settings.lgsp, run).await?;
            println!("{}", report.plan);
            println!(
                "{}",
                if dry_run {
                    "dry run: nothing was changed".to_owned()
                } else {
                    format!(
                        "applied in one transaction; audit event {}",
                        report.sync_id.map(|id| id.to_string()).unwrap_or_default()
                    )
                }
            );
        }
        CataloguesCommand::Metadata {
            catalogue,
            settings,
        } => {
            let client = api::lgsp::LgspClient::new(&settings.lgsp)?;
            for field in api::lgsp::catalogue::metadata(&client, &catalogue).await? {
                println!("{}\t{}\t{}", field.code, field.kind, field.name);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Mints a development token with the server's secret, and says which secret that is.
fn token(args: &api::config::TokenArgs) -> anyhow::Result<String> {
    use anyhow::Context as _;
    let role = api::auth::Role::parse(&args.role).with_context(|| {
        format!("unknown role {:?}: use PROVINCE_ADMIN, UNIT_ADMIN, UNIT_OFFICER, EMULATION_OFFICER, VIEWER or INTEGRATION", args.role)
    })?;
    let settings = &args.settings;
    let (secret, source) = api::ops::token_secret(settings)?;
    eprintln!("signed with {source}");
    let ttl = api::auth::token::parse_ttl(&args.ttl)
        .with_context(|| format!("bad --ttl {:?}", args.ttl))?;
    api::auth::token::mint(
        &secret,
        &settings.auth.jwt_issuer,
        &settings.auth.jwt_audience,
        &api::auth::token::DevToken {
            subject: &args.subject,
            name: None,
            unit: args.unit.as_deref(),
            roles: &[role],
            ttl_seconds: ttl,
        },
    )
}
