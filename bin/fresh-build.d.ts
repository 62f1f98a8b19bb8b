/** Whether dist/ holds the current sources of the project at `root` (see fresh-build.js). */
export function freshBuild(root: string): boolean
