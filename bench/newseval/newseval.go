// Package newseval holds what newsdesk's text benchmarks and accuracy
// tests share, and the product does not: loaders for the evaluation sets
// (BBC News for related articles and near-duplicates, the Google News
// story stream for clustering), a generator of news-like posts for
// timing at sizes no set has, and the scores a story clustering is judged
// by.
//
// The sets live outside the project, in ../shared/data (see its
// README), and are read in place, never copied.
package newseval
