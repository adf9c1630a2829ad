//! Integration tests of the rule kinds (`call`, `define`, `pattern`), the common rule
//! keys, fixes checked against golden files, and the compliance report.

mod call_rule;
mod common;
mod define_rule;
mod fixes;
mod pattern_rule;
mod report;
mod rule_options;
