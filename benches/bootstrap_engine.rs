//! Benchmark of the unit-level two-arm bootstrap: 10,000 resamples of a difference in means,
//! under the Poisson and the multinomial scheme, for
//!
//! - a 0/1 metric: 1,000,000 units per arm in 2 atoms (5% and 6% ones), and
//! - a continuous metric: 20,000 distinct values per arm, so 20,000 atoms of one unit.
//!
//! Throughput elements are atoms of both arms × resamples.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use liftlab::progress::NoProgress;
use liftlab::resample::{AtomTable, BootstrapSpec, Scheme, Sums, bootstrap_two_arms, stream};
use rand_distr::{Distribution, LogNormal};

const RESAMPLES: usize = 10_000;

fn difference_of_means(control: &Sums, treatment: &Sums) -> Option<f64> {
    Some(treatment.mean(0)? - control.mean(0)?)
}

fn binary_arm(units: u64, ones: u64) -> AtomTable {
    let mut table = AtomTable::new(1);
    table.push(&[0.0], units - ones);
    table.push(&[1.0], ones);
    table
}

fn distinct_arm(seed: u64, units: usize) -> AtomTable {
    let revenue = LogNormal::new(3.0, 1.0).expect("valid log-normal");
    let mut rng = stream(seed, 0);
    AtomTable::from_rows(1, (0..units).map(|_| vec![revenue.sample(&mut rng)]))
}

fn bench_engine(c: &mut Criterion) {
    let cases = [
        (
            "binary_2_atoms",
            binary_arm(1_000_000, 50_000),
            binary_arm(1_000_000, 60_000),
        ),
        (
            "distinct_20k_atoms",
            distinct_arm(1, 20_000),
            distinct_arm(2, 20_000),
        ),
    ];

    let mut group = c.benchmark_group("bootstrap_engine");
    group.sample_size(10);
    for (name, control, treatment) in &cases {
        let atoms = (control.atoms() + treatment.atoms()) as u64;
        group.throughput(Throughput::Elements(atoms * RESAMPLES as u64));
        for (scheme_name, scheme) in [
            ("poisson", Scheme::Poisson),
            ("multinomial", Scheme::Multinomial),
        ] {
            let spec = BootstrapSpec {
                resamples: RESAMPLES,
                seed: 1,
                scheme,
            };
            group.bench_function(format!("{name}/{scheme_name}"), |b| {
                b.iter(|| {
                    bootstrap_two_arms(
                        black_box(control),
                        black_box(treatment),
                        &spec,
                        &difference_of_means,
                        &NoProgress,
                    )
                })
            });
        }
    }
    group.finish();
}

// Criterion's own plots are off: its plotters backend finds no system font when plotters is
// built with the embedded-font feature that liftlab's charts use.
criterion_group! {
    name = benches;
    config = Criterion::default().without_plots();
    targets = bench_engine
}
criterion_main!(benches);
