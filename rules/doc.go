// Package rules is the room where the law is applied: the catalog of
// city-management violations (CG01–CG50, codes never renumbered), the rule
// sets that carry it as versioned data, and the leniency evaluator that turns
// the facts of a case into a suggested decision.
//
// A rule set is one embedded JSON file per version (rulesets/*.json) with an
// effective date, the statutory thresholds as parameters (each with its legal
// reference and a confidence mark), the article texts, the 免罚清单
// and the catalog. Whatever the research could not verify is a parameter or a
// provisional mark in that data, never a constant in this code; a figure the
// statute leaves to the agency is a setting, shown as 「本机关设定，待法制科
// 确认」 until 法制科 confirms it. Each item names the provision its act
// breaches apart from the clause that punishes it, and its penalties in the
// kinds of Art. 9, each 应当 or 可以, apart from its 责令 orders, which are
// not penalties. Every cited article ships with its text and the edition it
// was copied from. Load refuses a malformed or inconsistent set; a Book
// keeps several sets by effective date and applies 《行政处罚法》 Art. 37
// (从旧兼从轻) between them.
//
// Evaluate follows the law as "the penalty applies unless an exception
// applies" (docs/legal.md §4): time limit (Art. 36), age (Art. 30), capacity
// (Art. 31), no fault (Art. 33 ¶2), 轻微不罚 (Art. 33 ¶1 s1), 首违不罚
// (Art. 33 ¶1 s2), then the mitigations (Arts. 30, 31, 32), procedure
// (Art. 51), hearing (Art. 63), legal review (Art. 58) and collective
// discussion (Art. 57 ¶2). Every rule checked leaves a trace step with its
// article and the facts it used, every decision carries exact citations, the
// reasons in plain Chinese that an officer can read to the party, and the
// version of the rule set that made it.
//
// The package is pure: no storage, no UI, nothing else of ours imported.
// Money is held in fen (分) and dates as civil dates, so the arithmetic is
// exact and independent of time zones.
package rules
