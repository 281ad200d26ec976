//! `liftlab kpis`: KPIs per channel with lift-adjusted credit.

use std::path::PathBuf;

use clap::Args;

use liftlab::kpi::{self, LinkSpec};
use liftlab::report::{html, write_json_dir};

use super::{Context, Failure, check_out};

/// Flags of `liftlab kpis`.
#[derive(Debug, Clone, Args)]
pub struct KpisArgs {
    /// Channel funnel CSV: one row per channel (or campaign, or channel × intent cluster);
    /// `channel` and `spend` are required, the other columns are listed in docs/kpis.md.
    #[arg(long, value_name = "FILE")]
    pub funnel: PathBuf,
    /// Lift report of a channel, as CHANNEL=PATH to a report.json of `analyze geo`,
    /// `analyze holdout` or `run`, optionally followed by ,kpi=revenue (a geo KPI that
    /// counts revenue), ,treatment=ARM, ,conversions=METRIC, ,revenue=METRIC, ,users=N or
    /// ,days=N. Repeat for more channels.
    #[arg(long, value_name = "CHANNEL=PATH[,key=value…]")]
    pub lift: Vec<String>,
    /// Output folder for kpis.json, kpis.csv and the charts.
    #[arg(long, value_name = "DIR", default_value = "out/kpis")]
    pub out: PathBuf,
    /// Also write calibration rows for Robyn, PyMC-Marketing and Meridian into this folder.
    #[arg(long, value_name = "DIR")]
    pub export_calibration: Option<PathBuf>,
}

pub(crate) fn run(args: &KpisArgs, context: Context) -> Result<(), Failure> {
    let texts = context.lang.texts();
    let links: Vec<LinkSpec> = args
        .lift
        .iter()
        .map(|given| given.parse::<LinkSpec>())
        .collect::<Result<_, _>>()
        .map_err(Failure::input)?;
    check_out(&args.out)?;
    if let Some(dir) = &args.export_calibration {
        check_out(dir)?;
    }

    let funnel = kpi::read_funnel(&args.funnel).map_err(Failure::input)?;
    let measures: Vec<_> = links
        .iter()
        .map(kpi::load_lift)
        .collect::<Result<_, _>>()
        .map_err(Failure::input)?;
    let report = kpi::analyze(&funnel, &measures).map_err(Failure::input)?;

    write_json_dir(&report, html::KPIS_FILE, &args.out, |staging| {
        let csv = report.to_csv().map_err(|error| error.to_string())?;
        let csv_path = staging.join("kpis.csv");
        std::fs::write(&csv_path, csv)
            .map_err(|error| format!("{}: {error}", csv_path.display()))?;
        let mut written = vec![csv_path];
        written.extend(
            html::write_kpis_files(&report, texts, staging).map_err(|error| error.to_string())?,
        );
        Ok(written)
    })
    .map_err(Failure::other)?;
    if let Some(dir) = &args.export_calibration {
        let export = kpi::calibration::calibration_export(&funnel, &measures, &report);
        write_json_dir(&export, "calibration.json", dir, |staging| {
            kpi::calibration::write_calibration_csvs(&export, staging)
        })
        .map_err(Failure::other)?;
    }

    println!("{}", kpi::summary::kpis_summary(&report, texts));
    println!();
    println!(
        "{}",
        texts.fill("kpis.written", &[("dir", &args.out.display())])
    );
    if let Some(dir) = &args.export_calibration {
        println!(
            "{}",
            texts.fill("kpis.calibration_written", &[("dir", &dir.display())])
        );
    }
    Ok(())
}
