//! What a bureau reads first: per service, a sentence for each plan in whole numbers — what
//! it builds, how many have a place within the standard, and how many non-hukou residents
//! it leaves without one, beside the baseline's figure.

use super::figures::{PlanFigures, ServiceFigures};
use super::Comparison;
use crate::markup::whole;

/// Per service in report order, one sentence per plan that has it.
pub fn sentences(comparison: &Comparison) -> Vec<(String, Vec<String>)> {
    comparison
        .services()
        .into_iter()
        .map(|service| {
            let baseline = comparison.plans.first().and_then(|p| {
                let figures = p.service(service)?;
                Some((p, figures))
            });
            let told = comparison
                .plans
                .iter()
                .enumerate()
                .filter_map(|(n, plan)| {
                    let figures = plan.service(service)?;
                    let against = baseline.filter(|_| n > 0);
                    Some(sentence(plan, figures, against))
                })
                .collect();
            (service.to_owned(), told)
        })
        .collect()
}

/// One plan's sentence for one service; `against` is the baseline it is set beside.
fn sentence(
    plan: &PlanFigures,
    figures: &ServiceFigures,
    against: Option<(&PlanFigures, &ServiceFigures)>,
) -> String {
    let unit = &figures.unit;
    let [all, _, non_hukou] = &figures.access;
    let building = &figures.building;
    let builds = match (building.new_sites, building.expanded_sites) {
        (0, 0) => "builds nothing".to_owned(),
        (new, 0) => format!("builds {new} new site{}", plural(new)),
        (0, grown) => format!("expands {grown} site{}", plural(grown)),
        (new, grown) => format!("builds {new} new site{} and expands {grown}", plural(new)),
    };
    let mut text = format!(
        "{} {builds}: {} of {} {unit} have a place within the standard, {} have none at all.",
        plan.name,
        whole(all.served),
        whole(all.demand),
        whole(all.unplaced()),
    );
    if non_hukou.demand > 0.0 {
        text += &format!(
            " It leaves {} of {} non-hukou {unit} without a place within the standard",
            whole(non_hukou.unmet()),
            whole(non_hukou.demand)
        );
        text += &match against {
            Some((base, base_figures)) => format!(
                " ({}: {}).",
                base.name,
                whole(base_figures.access[2].unmet())
            ),
            None => ".".to_owned(),
        };
    }
    text
}

fn plural(count: usize) -> &'static str {
    match count {
        1 => "",
        _ => "s",
    }
}
