//! The finished report: rules named, sites chosen and sorted.

use deboil_core::rules::RuleSet;

use super::{Collector, LENGTH_EDGES, SiteStats, buckets};
use crate::jobs::Summary;
use crate::report::{
    BadRecords, Lengths, Report, RuleCount, RuleRemovals, SCHEMA_VERSION, SiteRow, Sites, share,
};

impl Collector {
    /// The report; `rules` names the causes of removals, `read` the job's
    /// reading summary (for its bad records).
    pub fn finish(self, rules: Option<&RuleSet>, read: &Summary) -> Report {
        let empty = RuleSet::empty();
        let rules = rules.unwrap_or(&empty);
        let mut removals: Vec<RuleRemovals> = self
            .causes
            .iter()
            .map(|(c, &(removals, documents))| RuleRemovals {
                rule: c.id(rules),
                action: c.action(rules).to_string(),
                removals,
                documents,
            })
            .collect();
        removals.sort_by(|a, b| {
            b.removals
                .cmp(&a.removals)
                .then_with(|| a.rule.cmp(&b.rule))
        });
        let deduped = self.duplicates.is_some();
        let row = |s: &SiteStats| {
            let mut top: Vec<RuleCount> = s
                .causes
                .iter()
                .map(|(c, &removals)| RuleCount {
                    rule: c.id(rules),
                    removals,
                })
                .collect();
            top.sort_by(|a, b| {
                b.removals
                    .cmp(&a.removals)
                    .then_with(|| a.rule.cmp(&b.rule))
            });
            top.truncate(3);
            SiteRow {
                site: s.name.clone(),
                documents: s.docs,
                bytes_in: s.bytes_in,
                bytes_out: s.bytes_out,
                removed_share: share(s.bytes_in - s.bytes_out.min(s.bytes_in), s.bytes_in),
                removals: s.removals,
                changed: s.changed,
                emptied: s.emptied,
                very_short: s.very_short,
                top_rules: top,
                duplicates: deduped.then_some(s.duplicates),
                duplicate_rate: deduped.then(|| share(s.duplicates, s.docs)),
            }
        };
        let removed = |s: &SiteStats| s.bytes_in.saturating_sub(s.bytes_out);
        let mut by_removed: Vec<&SiteStats> = self.sites.iter().collect();
        by_removed.sort_by(|a, b| {
            removed(b)
                .cmp(&removed(a))
                .then_with(|| a.name.cmp(&b.name))
        });
        let mut by_dups: Vec<&SiteStats> = self.sites.iter().filter(|s| s.duplicates > 0).collect();
        by_dups.sort_by(|a, b| {
            b.duplicates
                .cmp(&a.duplicates)
                .then_with(|| a.name.cmp(&b.name))
        });
        let mut shown: Vec<&SiteStats> = by_removed.into_iter().take(self.limits.sites).collect();
        for s in by_dups.into_iter().take(self.limits.sites) {
            if !shown.iter().any(|t| std::ptr::eq(*t, s)) {
                shown.push(s);
            }
        }
        shown.sort_by(|a, b| {
            removed(b)
                .cmp(&removed(a))
                .then(b.duplicates.cmp(&a.duplicates))
                .then_with(|| a.name.cmp(&b.name))
        });
        Report {
            schema_version: SCHEMA_VERSION,
            tool: "deboil".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            command: self.header.command,
            inputs: self.header.inputs,
            rules: self.header.rules,
            options: self.header.options,
            totals: self.totals,
            removals,
            sites: Sites {
                count: self.sites.len(),
                rows: shown.into_iter().map(row).collect(),
            },
            candidate_lines: self.candidates,
            duplicates: self.duplicates,
            lengths: Lengths {
                words_in: buckets(&LENGTH_EDGES, &self.len_in),
                words_out: buckets(&LENGTH_EDGES, &self.len_out),
            },
            bad_records: BadRecords {
                count: read.skipped,
                messages: read.skipped_messages.clone(),
            },
        }
    }
}
