use api::config::{Cli, Command};
use api::startup::Application;
use clap::Parser;

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Schema) => {
            print!("{}", api::graphql::sdl());
            Ok(())
        }
        Some(Command::Serve(settings)) => serve(settings).await,
        None => serve(cli.serve).await,
    }
}

async fn serve(settings: api::config::Settings) -> anyhow::Result<()> {
    api::telemetry::init(settings.log_format);
    let app = Application::build(settings).await?;
    app.run_until_stopped().await?;
    Ok(())
}
