//! Geo test design: market selection, power by simulation, assignment and budget.
