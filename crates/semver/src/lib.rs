//! Semantic versions and Masterminds constraint syntax (as Helm and Sprig use them)
