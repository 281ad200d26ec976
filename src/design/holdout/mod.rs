//! Holdout test design: sample size, power and MDE, analytic and by simulation.
