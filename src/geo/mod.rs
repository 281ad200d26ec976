//! Geo experiments.
